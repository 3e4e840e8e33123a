// Requester panel: the projects whose issues show "Entra & Intune", the parts agents may see, and
// the "affected user" field. Saved on its own (the core validates it; it is stored apart from the
// sync settings), so changing who sees the panel never touches a run's settings.
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { useEffect, useState } from 'react';
import { call } from './api.js';
import { describedBy, Field } from './Field.jsx';

// Labels unlike the Data sets switches ("Groups", …), so each control has a name of its own.
const SECTIONS = [
  ['devices', 'Show devices (Intune and Entra)'],
  ['groups', 'Show group memberships'],
  ['licences', 'Show licences'],
];
const FIELD_IDS = { 'panel.projects': 'panelProjects', 'panel.affectedUserField': 'panelAffectedUserField', 'panel.sections': 'panelSections', panel: 'panelProjects' };

const formOf = (panel) => ({ projects: (panel?.projects ?? []).join(', '), affectedUserField: panel?.affectedUserField ?? '', sections: { devices: true, groups: true, licences: true, ...panel?.sections } });

export function PanelSection() {
  const [form, setForm] = useState(null);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call('getPanelSettings')
      .then((answer) => setForm(formOf(answer.panel)))
      .catch((error) => setMessage({ appearance: 'error', title: error.message }));
  }, []);
  if (!form) return null;
  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const answer = await call('savePanelSettings', form);
      if (answer.ok) {
        setErrors({});
        setForm(formOf(answer.panel));
        setMessage({ appearance: 'success', title: answer.panel.projects.length ? `Saved: the panel shows in ${answer.panel.projects.join(', ')}.` : 'Saved: the panel is off in every project.' });
      } else {
        const next = Object.fromEntries(answer.errors.map((e) => [FIELD_IDS[e.field] ?? 'panelProjects', e.message]));
        setErrors(next);
        setMessage(null);
        document.getElementById(Object.keys(next)[0])?.focus();
      }
    } catch (error) {
      setMessage({ appearance: 'error', title: error.message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form id="panel-settings" noValidate onSubmit={save}>
      <section aria-labelledby="panel-title" className="card">
        <Heading as="h2" size="medium" id="panel-title">
          Requester panel
        </Heading>
        <p className="lede">Shows agents the request's reporter as Entra Sync wrote them into Assets: account, devices, groups and licences. Only for people who can see the issue, only in these projects.</p>
        <Field id="panelProjects" label="Projects (keys)" hint="For example SD, HR. Empty: the panel is off everywhere." error={errors.panelProjects}>
          <Textfield id="panelProjects" value={form.projects} onChange={(e) => setForm({ ...form, projects: e.target.value })} isInvalid={Boolean(errors.panelProjects)} aria-describedby={describedBy('panelProjects', { hint: true, error: errors.panelProjects })} />
        </Field>
        <fieldset className="fieldset" aria-describedby={errors.panelSections ? 'panelSections-error' : undefined}>
          <legend>Agents may see</legend>
          {SECTIONS.map(([key, label]) => (
            <div className="switch" key={key}>
              <Toggle id={`panel-${key}`} isChecked={form.sections[key]} onChange={(e) => setForm({ ...form, sections: { ...form.sections, [key]: e.target.checked } })} />
              <label className="switch-label" htmlFor={`panel-${key}`}>
                {label}
              </label>
            </div>
          ))}
          {errors.panelSections ? (
            <p className="error-text" id="panelSections-error">
              {errors.panelSections}
            </p>
          ) : null}
        </fieldset>
        <Field id="panelAffectedUserField" label="Affected user field (optional)" hint="A user picker field's id, such as customfield_10050; the panel then shows that person too." error={errors.panelAffectedUserField}>
          <Textfield id="panelAffectedUserField" value={form.affectedUserField} onChange={(e) => setForm({ ...form, affectedUserField: e.target.value })} isInvalid={Boolean(errors.panelAffectedUserField)} aria-describedby={describedBy('panelAffectedUserField', { hint: true, error: errors.panelAffectedUserField })} />
        </Field>
        <div className="actions">
          <Button id="save-panel" type="submit" appearance="primary" isLoading={busy}>
            Apply panel settings
          </Button>
        </div>
        <div id="panel-result" aria-live="polite">
          {message ? <SectionMessage appearance={message.appearance} title={message.title} /> : null}
        </div>
      </section>
    </form>
  );
}
