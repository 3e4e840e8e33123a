// Forge's async events: pushes land here through __forge_fetch__ and are delivered to the consumer
// the manifest declares for the queue, at least once, honouring delayInSeconds and retry requests.
// Every undelivered event is a file in the data directory until its delivery ends, so events
// pushed before a crash or restart are delivered after it, as Forge redelivers them.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from './quota.js';

const EVENTS_PER_PUSH = 50;
const PUSH_BYTES = 200 * 1024;
const LONG_CONSUMER_EVENT_BYTES = 100 * 1024; // when the consumer may run longer than 55 s
const EVENTS_PER_MINUTE = 500; // per installation
const MAX_RETRIES = 4;

export function createQueue({ manifest, invoker, log, dataDir, usage, timeScale = 1, now = Date.now }) {
  const jobs = new Map(); // jobId → {success, inProgress, failed, cancelled}
  const timers = new Set();
  const perMinute = new Window(60_000, EVENTS_PER_MINUTE);
  const dir = join(dataDir, 'queue');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let pending = 0;
  let waiters = [];
  let closed = false;

  const settle = () => {
    if (pending === 0) {
      waiters.forEach((resolve) => resolve());
      waiters = [];
    }
  };

  // A delivery on disk: what to deliver, on which attempt, and when (epoch ms).
  const fileOf = (eventId) => join(dir, `${eventId}.json`);
  function save(delivery) {
    const path = fileOf(delivery.event.eventId);
    writeFileSync(`${path}.tmp`, JSON.stringify(delivery), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }
  const acknowledge = (eventId) => rmSync(fileOf(eventId), { force: true });

  function schedule(delivery) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void deliver(delivery);
    }, Math.max(0, delivery.dueAt - Date.now()));
    timers.add(timer);
  }

  function finish(delivery, failed) {
    acknowledge(delivery.event.eventId);
    const stats = jobs.get(delivery.job.jobId);
    if (stats) {
      stats.inProgress -= 1;
      if (failed) stats.failed += 1;
      else stats.success += 1;
    }
    pending -= 1;
    settle();
  }

  async function deliver(delivery) {
    const { job, event, attempt, retryContext } = delivery;
    const consumer = manifest.consumers.get(job.queueName);
    if (jobs.get(job.jobId)?.cancelled || !consumer) {
      if (!consumer) log(`event ${event.eventId} dropped: no consumer in manifest.yml listens on queue "${job.queueName}" any more`);
      acknowledge(event.eventId);
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
    // A stopped runtime acknowledges nothing: the event stays on disk for the next start.
    if (closed) return;
    if (retry && attempt < MAX_RETRIES) {
      const next = {
        job,
        event,
        attempt: attempt + 1,
        retryContext: { retryCount: attempt + 1, retryReason: retry.reason, retryData: retry.data },
        dueAt: Date.now() + retry.after * 1000 * timeScale,
      };
      save(next);
      schedule(next);
      return;
    }
    finish(delivery, Boolean(retry));
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
    perMinute.roll(now());
    if (perMinute.used + events.length > perMinute.limit) {
      usage?.queueRejected();
      return { status: 429, body: { message: `Queue rate exceeded: an installation may push ${EVENTS_PER_MINUTE} events a minute; ${perMinute.used} pushed, this push has ${events.length}. Retry in ${Math.ceil(perMinute.refillsInMs(now()) / 1000)} s.` } };
    }
    perMinute.used += events.length;
    usage?.queuePush(events.length);
    const job = { jobId: body.jobId, queueName: body.queueName, installContext };
    jobs.set(job.jobId, { success: 0, inProgress: events.length, failed: 0, cancelled: false });
    for (const event of events) {
      const delivery = { job, event: { ...event, eventId: randomUUID() }, attempt: 0, retryContext: null, dueAt: Date.now() + (event.delayInSeconds ?? 0) * 1000 * timeScale };
      // On disk before the push is answered: an acknowledged push is never lost.
      save(delivery);
      pending += 1;
      schedule(delivery);
    }
    return { status: 201, body: {} };
  }

  /** Schedules what an earlier run of the runtime left undelivered. */
  function restore() {
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      let delivery;
      try {
        delivery = JSON.parse(readFileSync(join(dir, file), 'utf8'));
        if (!delivery?.job?.jobId || !delivery?.event?.eventId) throw new Error('no job or event id');
      } catch (error) {
        log(`queue file ${join(dir, file)} is not a stored event (${error.message}); it is skipped. Fix: delete the file.`);
        continue;
      }
      const stats = jobs.get(delivery.job.jobId) ?? { success: 0, inProgress: 0, failed: 0, cancelled: false };
      stats.inProgress += 1;
      jobs.set(delivery.job.jobId, stats);
      pending += 1;
      schedule(delivery);
    }
    if (pending > 0) log(`queue: ${pending} undelivered events from the last run will be delivered again`);
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
    closed = true;
    timers.forEach(clearTimeout);
    timers.clear();
  }

  return { publish, stats, cancel, idle, close, restore };
}
