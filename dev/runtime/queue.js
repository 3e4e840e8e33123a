// Forge's async events: pushes land here through __forge_fetch__ and are delivered to the consumer
// the manifest declares for the queue, at least once, honouring delayInSeconds and retry requests.
import { randomUUID } from 'node:crypto';

const EVENTS_PER_PUSH = 50;
const PUSH_BYTES = 200 * 1024;
const LONG_CONSUMER_EVENT_BYTES = 100 * 1024; // when the consumer may run longer than 55 s
const MAX_RETRIES = 4;

export function createQueue({ manifest, invoker, log, timeScale = 1 }) {
  const jobs = new Map(); // jobId → {success, inProgress, failed, cancelled}
  const timers = new Set();
  let pending = 0;
  let waiters = [];

  const settle = () => {
    if (pending === 0) {
      waiters.forEach((resolve) => resolve());
      waiters = [];
    }
  };

  function later(seconds, fn) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, seconds * 1000 * timeScale);
    timers.add(timer);
  }

  async function deliver(consumer, job, event, attempt, retryContext) {
    const stats = jobs.get(job.jobId);
    if (stats.cancelled) {
      pending -= 1;
      return settle();
    }
    const payload = { body: event.body, queueName: job.queueName, jobId: job.jobId, eventId: event.eventId, ...(retryContext ? { retryContext } : {}) };
    let retry = null;
    try {
      const result = await invoker.invoke(consumer.fn, 'consumer', consumer.key, [payload, { installContext: job.installContext }]);
      if (result?._retry) retry = { after: result.retryOptions?.retryAfter ?? 2 ** attempt, reason: result.retryOptions?.retryReason, data: result.retryOptions?.retryData };
    } catch (error) {
      log(`consumer ${consumer.key} failed on event ${event.eventId}: ${error.message}`);
      retry = { after: 2 ** attempt, reason: 'FUNCTION_RETRY_REQUEST', error };
    }
    if (retry && attempt < MAX_RETRIES) {
      later(retry.after, () => deliver(consumer, job, event, attempt + 1, { retryCount: attempt + 1, retryReason: retry.reason, retryData: retry.data }));
      return;
    }
    stats.inProgress -= 1;
    if (retry) stats.failed += 1;
    else stats.success += 1;
    pending -= 1;
    settle();
  }

  function publish(body, installContext) {
    const consumer = manifest.consumers.get(body.queueName);
    if (!consumer) return { status: 404, body: { message: `No consumer in manifest.yml listens on queue "${body.queueName}".` } };
    const events = body.payload ?? [];
    if (events.length > EVENTS_PER_PUSH) return { status: 413, body: { errorMessage: `At most ${EVENTS_PER_PUSH} events per push; got ${events.length}.` } };
    const size = Buffer.byteLength(JSON.stringify(events));
    if (size > PUSH_BYTES) return { status: 413, body: { errorMessage: `A push carries at most ${PUSH_BYTES} bytes; got ${size}.` } };
    if ((consumer.fn.timeoutSeconds ?? 55) > 55) {
      const big = events.findIndex((e) => Buffer.byteLength(JSON.stringify(e)) > LONG_CONSUMER_EVENT_BYTES);
      if (big >= 0) return { status: 413, body: { errorMessage: `Event ${big} exceeds ${LONG_CONSUMER_EVENT_BYTES} bytes, the limit for consumers that run longer than 55 s.` } };
    }
    const job = { jobId: body.jobId, queueName: body.queueName, installContext };
    jobs.set(job.jobId, { success: 0, inProgress: events.length, failed: 0, cancelled: false });
    for (const event of events) {
      pending += 1;
      later(event.delayInSeconds ?? 0, () => deliver(consumer, job, { ...event, eventId: randomUUID() }, 0));
    }
    return { status: 201, body: {} };
  }

  function stats({ jobId }) {
    const job = jobs.get(jobId);
    if (!job) return { status: 404, body: { message: `No job ${jobId}` } };
    const { success, inProgress, failed } = job;
    return { status: 200, body: { success, inProgress, failed } };
  }

  function cancel({ jobId }) {
    const job = jobs.get(jobId);
    if (!job) return { status: 404, body: { message: `No job ${jobId}` } };
    job.cancelled = true;
    return { status: 204, body: null };
  }

  /** Resolves once every pushed event has been delivered (or has failed for good). */
  const idle = () => (pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)));

  function close() {
    timers.forEach(clearTimeout);
    timers.clear();
  }

  return { publish, stats, cancel, idle, close };
}
