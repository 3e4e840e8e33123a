// Schedule (on or off, how often), the deletion policy with its mass-deletion guard, and how far
// ahead runs warn about expiring app credentials.
import Heading from '@atlaskit/heading';
import { RadioGroup } from '@atlaskit/radio';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { describedBy, Field } from './Field.jsx';

const INTERVALS = [
  { value: 'hour', label: 'Every hour' },
  { value: 'sixHours', label: 'Every 6 hours' },
  { value: 'day', label: 'Daily' },
];
const POLICIES = [
  { name: 'policy', value: 'retire', label: 'Retire it: keep it in Assets with status “Deleted in Entra”' },
  { name: 'policy', value: 'delete', label: 'Delete it from Assets' },
];

export function ScheduleSection({ values, set, errors }) {
  const { schedule, deletion, expiry } = values;
  const number = (id, label) => (
    <Field id={id} label={label} error={errors[id]}>
      <Textfield id={id} inputMode="numeric" value={String(deletion[id])} onChange={(event) => set({ deletion: { ...deletion, [id]: event.target.value } })} isInvalid={Boolean(errors[id])} aria-describedby={describedBy(id, { error: errors[id] })} />
    </Field>
  );
  return (
    <>
      <section aria-labelledby="schedule-title" className="card">
        <Heading as="h2" size="medium" id="schedule-title">
          Schedule
        </Heading>
        <div className="switch">
          <Toggle id="scheduleEnabled" isChecked={schedule.enabled} onChange={(event) => set({ schedule: { ...schedule, enabled: event.target.checked } })} />
          <label className="switch-label" htmlFor="scheduleEnabled">
            Sync on a schedule
          </label>
        </div>
        <Field id="interval" label="Interval" error={errors.interval}>
          <Select inputId="interval" className="select-interval" options={INTERVALS} value={INTERVALS.find((o) => o.value === schedule.interval) ?? null} onChange={(option) => set({ schedule: { ...schedule, interval: option?.value ?? '' } })} isInvalid={Boolean(errors.interval)} aria-describedby={describedBy('interval', { error: errors.interval })} />
        </Field>
      </section>
      <section aria-labelledby="deletion-title" className="card">
        <Heading as="h2" size="medium" id="deletion-title">
          Deletion policy
        </Heading>
        <fieldset className="fieldset" aria-describedby={errors.policy ? 'policy-error' : undefined}>
          <legend>When an object is gone from Entra</legend>
          <RadioGroup options={POLICIES} value={deletion.policy} onChange={(event) => set({ deletion: { ...deletion, policy: event.currentTarget.value } })} />
          {errors.policy ? (
            <p className="error-text" id="policy-error">
              {errors.policy}
            </p>
          ) : null}
        </fieldset>
        <p className="lede">Mass-deletion guard: a run that would remove more than the larger of these stops and asks first.</p>
        <div className="row">
          {number('percent', 'Share of objects (%)')}
          {number('minimum', 'Minimum count')}
        </div>
      </section>
      <section aria-labelledby="expiry-title" className="card">
        <Heading as="h2" size="medium" id="expiry-title">
          Credential expiry
        </Heading>
        <p className="lede">Every run lists app registrations’ secrets and certificates, and Entra Sync’s own secret, that expire within this many days or have expired.</p>
        <Field id="warnDays" label="Warn this many days ahead" error={errors.warnDays}>
          <Textfield id="warnDays" inputMode="numeric" value={String(expiry.warnDays)} onChange={(event) => set({ expiry: { warnDays: event.target.value } })} isInvalid={Boolean(errors.warnDays)} aria-describedby={describedBy('warnDays', { error: errors.warnDays })} />
        </Field>
      </section>
    </>
  );
}
