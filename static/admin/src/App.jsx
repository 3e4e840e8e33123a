// The admin page: status at a glance, the settings form, Sync, History and the Run log. State here
// is only what the page shows; every decision and message comes from the resolvers.
import Button from '@atlaskit/button/new';
import PageHeader from '@atlaskit/page-header';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call, isRefusal } from './api.js';
import { askToRemove } from './confirm.js';
import { ConnectionSection } from './ConnectionSection.jsx';
import { DatasetsSection } from './DatasetsSection.jsx';
import { valuesOf } from './defaults.js';
import { AuditSection } from './AuditSection.jsx';
import { DestinationSection } from './DestinationSection.jsx';
import { byControl, controlOf, focusFirst } from './errors.js';
import { HistoryTable } from './HistoryTable.jsx';
import { finishedMessage } from './messages.js';
import { RunLog } from './RunLog.jsx';
import { PanelSection } from './PanelSection.jsx';
import { ScheduleSection } from './ScheduleSection.jsx';
import { StatusSummary } from './StatusSummary.jsx';
import { SyncPanel } from './SyncPanel.jsx';
import { useImports } from './useImports.js';
import { useRunStatus } from './useRunStatus.js';

const CONNECTION = ['tenantId', 'clientId', 'clientSecret', 'credential', 'certificate'];
const focusById = (id) => requestAnimationFrame(() => document.getElementById(id)?.focus());

export function App({ fmt, proposed, onRefused }) {
  const [settings, setSettings] = useState(null);
  const [values, setValues] = useState(null);
  const [baseline, setBaseline] = useState('');
  const [errors, setErrors] = useState({});
  const [saveMessage, setSaveMessage] = useState(null);
  const [report, setReport] = useState(null);
  const [busy, setBusy] = useState(null);
  const [syncMessage, setSyncMessage] = useState(null);
  const [unsavedAsk, setUnsavedAsk] = useState(false);
  const [history, setHistory] = useState(null);
  const [log, setLog] = useState(null);
  const [workspaces, setWorkspaces] = useState({});
  const [schemas, setSchemas] = useState({});
  const [failure, setFailure] = useState(null);
  // Bumped by every action the audit trail records, so the Audit section reloads.
  const [auditTick, setAuditTick] = useState(0);
  const audited = useCallback(() => setAuditTick((n) => n + 1), []);
  const seenRun = useRef(undefined);
  const asked = useRef(null);

  const fail = useCallback(
    (error) => {
      if (isRefusal(error)) return onRefused(error.message);
      setFailure(`Something went wrong: ${error.message}`);
    },
    [onRefused],
  );
  const { status, refresh } = useRunStatus({ enabled: settings !== null, onError: fail });
  // A new certificate waiting for the switch is a change only Save makes.
  const switching = values?.credential === 'certificate' && Boolean(settings?.pendingCertificate);
  const dirty = values !== null && (JSON.stringify(values) !== baseline || switching);
  const label = useCallback((key) => settings?.datasetOptions?.find((d) => d.key === key)?.label ?? key, [settings]);

  const load = useCallback(
    (next) => {
      setSettings(next);
      setValues(valuesOf(next, proposed));
      // What is saved, without the import a "Configure app" proposes: a proposal is an unsaved change.
      // Damaged saved settings have nothing to compare with: the form is unsaved until Save.
      setBaseline(next.configProblem ? '' : JSON.stringify(valuesOf(next, null)));
    },
    [proposed],
  );

  // First load: settings, then the site's workspaces.
  useEffect(() => {
    call('getSettings').then(load, fail);
    call('listWorkspaces').then((a) => setWorkspaces(a.ok ? { list: a.workspaces } : { list: [], message: a.message }), fail);
  }, [load, fail]);

  const workspaceId = values?.destination.workspaceId;
  useEffect(() => {
    if (!workspaceId) return setSchemas({});
    setSchemas({});
    call('listSchemas', { workspaceId }).then((a) => {
      setSchemas(a.ok ? { list: a.schemas } : { list: [], message: a.message });
      // One schema only: that is the choice.
      if (a.ok && a.schemas.length === 1) setValues((v) => (v.destination.schemaId ? v : { ...v, destination: { ...v.destination, schemaId: a.schemas[0].id } }));
    }, fail);
  }, [workspaceId, fail]);

  const imports = useImports({ workspaceId, schemaId: values?.destination.schemaId, proposedId: proposed?.importSourceId, setValues, onError: fail });

  const refreshHistory = useCallback(() => call('history', { summary: true }).then(setHistory, fail), [fail]);
  const showLog = useCallback((runId) => call('runLog', runId ? { runId } : {}).then(setLog, fail), [fail]);

  // A run ended (this page's or a scheduled one): say how, refresh History and show its log.
  const lastId = status?.last?.runId ?? null;
  useEffect(() => {
    if (!status) return;
    const first = seenRun.current === undefined;
    if (!first && seenRun.current === lastId) return;
    seenRun.current = lastId;
    refreshHistory();
    if (first || !status.last) return;
    setSyncMessage(finishedMessage(status.last, fmt));
    showLog(lastId);
  }, [status, lastId, fmt, refreshHistory, showLog]);

  // Cancel sync and Review vanish when a run ends: focus they held goes back to Sync now.
  const active = status?.active ?? null;
  useEffect(() => {
    if (!active && document.activeElement === document.body && seenRun.current !== undefined) document.getElementById('syncNow')?.focus();
  }, [active]);

  const ask = useCallback(
    async (run) => {
      asked.current = run.runId;
      const opener = document.activeElement;
      let choice;
      try {
        choice = await askToRemove(run, settings?.config?.deletion?.policy ?? 'retire');
      } catch (error) {
        return fail(error);
      }
      (opener && opener !== document.body ? opener : document.getElementById('review') ?? document.getElementById('syncNow'))?.focus();
      if (choice === 'confirm') {
        const answer = await call('confirmDeletion', { runId: run.runId }).catch(fail);
        setSyncMessage(answer?.ok ? { appearance: 'information', title: 'Confirmed: the sync goes on and removes them.' } : { appearance: 'error', title: answer?.reason ?? 'Not confirmed.' });
        audited();
      } else if (choice === 'cancel') {
        const answer = await call('cancelRun').catch(fail);
        setSyncMessage(answer?.ok ? { appearance: 'information', title: 'Cancelling: the sync stops after the current step.' } : { appearance: 'error', title: answer?.reason ?? 'Not cancelled.' });
        audited();
      }
      refresh();
    },
    [settings, fail, refresh, audited],
  );
  useEffect(() => {
    if (active?.status === 'awaitingConfirmation' && asked.current !== active.runId) ask(active);
  }, [active, ask]);

  // Leaving with unsaved changes asks first (the browser's own question).
  useEffect(() => {
    if (!dirty) return undefined;
    const stop = (event) => event.preventDefault();
    window.addEventListener('beforeunload', stop);
    return () => window.removeEventListener('beforeunload', stop);
  }, [dirty]);

  if (failure && !settings) return <SectionMessage appearance="error" title="Could not load the settings">{failure}</SectionMessage>;
  if (!settings || !values) return <Spinner label="Loading settings" />;

  const set = (partial) => {
    setValues((v) => ({ ...v, ...partial }));
    setSaveMessage(null);
    setUnsavedAsk(false);
    if (CONNECTION.some((k) => k in partial)) setReport(null);
  };
  const setDestination = (partial) => set({ destination: { ...values.destination, ...partial } });

  async function run(kind, work) {
    setBusy(kind);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(null);
    }
  }

  const save = (event) => {
    event?.preventDefault();
    if (!dirty) return;
    run('save', async () => {
      const answer = await call('saveSettings', values);
      setErrors(byControl(answer.errors));
      if (answer.ok) {
        load(answer.settings);
        setSaveMessage({ appearance: 'success', title: 'Settings saved.' });
        audited();
        // Save turns disabled with nothing left to save: focus moves on to the next step, Sync now.
        focusById('syncNow');
      } else {
        setSaveMessage({ appearance: 'error', title: `Settings not saved: fix the ${fmt.number(answer.errors.length)} ${answer.errors.length === 1 ? 'field' : 'fields'} marked above.` });
        focusFirst(answer.errors);
      }
    });
  };

  const check = () =>
    run('check', async () => {
      setReport(null);
      const enabled = Object.entries(values.datasets).filter(([, on]) => on).map(([key]) => key);
      const answer = await call('checkConnection', { tenantId: values.tenantId, clientId: values.clientId, credential: values.credential, clientSecret: values.clientSecret, datasets: enabled });
      setReport(answer);
      // A passing check marks a new certificate as ready to switch to.
      if (answer.ok && values.credential === 'certificate') setSettings((await call('getSettings')) ?? settings);
      // A result about one field (sent by the core as `field`) marks that field and takes focus.
      const about = answer.checks?.find((c) => !c.ok && c.field);
      setErrors((e) => {
        const next = { ...e };
        for (const k of CONNECTION) delete next[k];
        if (about && controlOf(about.field)) next[controlOf(about.field)] = about.detail;
        return next;
      });
      if (about) focusFirst([about]);
      if (answer.secretExpiresAt) setSettings((s) => ({ ...s, secretExpiresAt: answer.secretExpiresAt }));
    });

  // Certificates are made and dropped at once (the key goes to secret storage); the form keeps its edits.
  const certificateAction = (name, payload) =>
    run('certificate', async () => {
      setReport(null);
      const answer = await call(name, payload);
      setErrors((e) => ({ ...e, certificate: answer.ok ? undefined : answer.errors?.map((p) => p.message).join(' ') }));
      if (answer.ok) setSettings(answer.settings);
      requestAnimationFrame(() => document.getElementById(answer.ok && name === 'createCertificate' ? 'certificate-pending-cer' : 'create-certificate')?.focus());
    });

  const start = () =>
    run('sync', async () => {
      setUnsavedAsk(false);
      setSaveMessage(null);
      const answer = await call('syncNow', {});
      setSyncMessage(answer.started ? { appearance: 'information', title: 'Sync started.' } : { appearance: 'error', title: answer.reason });
      audited();
      await refresh();
    });

  const syncNow = () => {
    if (active) return;
    if (dirty) {
      setUnsavedAsk(true);
      requestAnimationFrame(() => document.querySelector('#unsaved button')?.focus());
      return;
    }
    start();
  };

  const cancel = () =>
    run('cancel', async () => {
      const answer = await call('cancelRun');
      setSyncMessage(answer.ok ? { appearance: 'information', title: 'Cancelling: the sync stops after the current step.' } : { appearance: 'error', title: answer.reason });
      audited();
      await refresh();
    });

  return (
    <div id="app" data-ready={history !== null && status !== null ? 'true' : undefined}>
      <PageHeader>Entra Sync</PageHeader>
      <p className="lede">Keeps Jira Service Management Assets in step with Microsoft Entra ID and Intune.</p>
      <StatusSummary status={status} settings={settings} fmt={fmt} label={label} />
      {settings.configProblem ? (
        <SectionMessage appearance="warning" title="The saved settings need saving again">
          <p id="configProblem">{settings.configProblem}</p>
        </SectionMessage>
      ) : null}
      {failure ? (
        <SectionMessage appearance="error" title="Something went wrong">
          <p>{failure}</p>
        </SectionMessage>
      ) : null}
      <form id="settings" noValidate onSubmit={save}>
        <ConnectionSection
          values={values}
          set={set}
          errors={errors}
          settings={settings}
          fmt={fmt}
          busy={busy}
          report={report}
          onCheck={check}
          onCreateCertificate={(years) => certificateAction('createCertificate', { years })}
          onDiscardCertificate={() => certificateAction('discardCertificate', {})}
        />
        <DestinationSection values={values} setDestination={setDestination} errors={errors} workspaces={workspaces} schemas={schemas} imports={imports} />
        <DatasetsSection options={settings.datasetOptions ?? []} values={values} setDatasets={set} errors={errors} />
        <ScheduleSection values={values} set={set} errors={errors} />
        <div className="actions sticky">
          <Button id="save" type="submit" appearance="primary" isDisabled={!dirty && busy !== 'save'} isLoading={busy === 'save'}>
            Save
          </Button>
          {dirty ? <span className="subtle">Unsaved changes</span> : null}
        </div>
        <div id="result" aria-live="polite" data-outcome={saveMessage?.appearance}>
          {saveMessage ? <SectionMessage appearance={saveMessage.appearance} title={saveMessage.title} /> : null}
        </div>
      </form>
      <PanelSection />
      <SyncPanel
        active={active}
        busy={busy}
        message={syncMessage}
        unsavedAsk={unsavedAsk}
        fmt={fmt}
        label={label}
        onSync={syncNow}
        onCancel={cancel}
        onReview={() => active && ask(active)}
        onSyncSaved={start}
        onKeepEditing={() => {
          setUnsavedAsk(false);
          focusById('save');
        }}
      />
      <HistoryTable reports={history} fmt={fmt} onLog={(runId) => showLog(runId)} selected={log?.runId} />
      <RunLog log={log} label={label} />
      <AuditSection fmt={fmt} tick={auditTick} onError={fail} />
    </div>
  );
}
