/** ResourceDirectoryMaster 2022-04-19: message contacts, the directory tree and rdcontacts' extensions. */
import { defineProduct } from '../define.js';
import { bindingActions } from './bindings.js';
import { contactActions } from './contacts.js';
import { directoryActions } from './directory.js';
import { extensionActions } from './extensions.js';
import { outboxActions } from './outbox.js';
import { verificationActions } from './verification.js';

export const resourceDirectoryMaster = defineProduct({
  name: 'ResourceDirectoryMaster',
  version: '2022-04-19',
  ramCode: 'resourcemanager',
  serviceName: 'ResourceManager',
  actions: [...contactActions, ...verificationActions, ...directoryActions, ...bindingActions, ...extensionActions, ...outboxActions],
});
