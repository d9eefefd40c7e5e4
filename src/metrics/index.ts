/** Prometheus metrics of rdcontacts: the registry and telemetry (`createMetrics`), and the listener serving them (`listenForScrapes`). */
export { type Metrics, type MetricsOptions, createMetrics, deliveryBuckets, requestBuckets } from './metrics.js';
export { type MetricsListener, type MetricsListenerOptions, listenForScrapes } from './server.js';
