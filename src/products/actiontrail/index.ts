/** Actiontrail 2020-07-06: the audit trail, read the way ActionTrail's event history is. */
import { defineProduct } from '../define.js';
import { lookupEvents } from './lookup-events.js';

export const actiontrail = defineProduct({
  name: 'Actiontrail',
  version: '2020-07-06',
  ramCode: 'actiontrail',
  serviceName: 'Actiontrail',
  actions: [lookupEvents],
});
