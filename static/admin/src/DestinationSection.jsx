// Destination: the Assets workspace and object schema from the site, and the import to fill.
import Heading from '@atlaskit/heading';
import Select from '@atlaskit/select';
import { describedBy, Field } from './Field.jsx';

function Picker({ id, label, hint, options, value, onChange, error, placeholder }) {
  const chosen = options.find((o) => o.value === value) ?? null;
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <Select
        inputId={id}
        className={`select-${id}`}
        options={options}
        value={chosen}
        onChange={(option) => onChange(option?.value ?? '')}
        isInvalid={Boolean(error)}
        placeholder={placeholder}
        aria-describedby={describedBy(id, { hint, error })}
        noOptionsMessage={() => placeholder}
      />
    </Field>
  );
}

function importPlaceholder(values, imports) {
  if (!values.destination.schemaId) return 'Choose a schema first';
  if (!imports.list) return 'Loading…';
  return imports.list.length === 0 ? 'No Entra Sync import in this schema yet' : 'Choose an import';
}

export function DestinationSection({ values, setDestination, errors, workspaces, schemas, imports }) {
  const hint = 'The schema’s imports of type Microsoft Entra ID & Intune. To add one: in the schema, Import → Create import → Microsoft Entra ID & Intune, then open its Configure app.';
  return (
    <section aria-labelledby="destination-title" className="card">
      <Heading as="h2" size="medium" id="destination-title">
        Destination
      </Heading>
      <p className="lede">The Assets object schema Entra Sync fills, through an import of type “Microsoft Entra ID &amp; Intune”.</p>
      <Picker
        id="workspaceId"
        label="Assets workspace"
        options={(workspaces.list ?? []).map((w) => ({ value: w.workspaceId, label: w.name ?? w.workspaceId }))}
        value={values.destination.workspaceId}
        onChange={(workspaceId) => setDestination({ workspaceId, schemaId: '', importSourceId: '' })}
        error={errors.workspaceId ?? workspaces.message}
        placeholder={workspaces.list ? 'Choose a workspace' : 'Loading…'}
      />
      <Picker
        id="schemaId"
        label="Object schema"
        options={(schemas.list ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.key})` }))}
        value={values.destination.schemaId}
        onChange={(schemaId) => setDestination({ schemaId, importSourceId: '' })}
        error={errors.schemaId ?? schemas.message}
        placeholder={values.destination.workspaceId ? (schemas.list?.length === 0 ? 'No schemas: create one in Assets' : 'Choose a schema') : 'Choose a workspace first'}
      />
      <Picker
        id="importSourceId"
        label="Import"
        hint={hint}
        options={(imports.list ?? []).map((i) => ({ value: i.id, label: i.name }))}
        value={values.destination.importSourceId}
        onChange={(importSourceId) => setDestination({ importSourceId })}
        error={errors.importSourceId ?? imports.message}
        placeholder={importPlaceholder(values, imports)}
      />
    </section>
  );
}
