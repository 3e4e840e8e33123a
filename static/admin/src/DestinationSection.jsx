// Destination: the Assets workspace and object schema from the site, and the import to fill.
import Heading from '@atlaskit/heading';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { describedBy, Field } from './Field.jsx';

function Picker({ id, label, options, value, onChange, error, placeholder }) {
  const chosen = options.find((o) => o.value === value) ?? null;
  return (
    <Field id={id} label={label} error={error}>
      <Select
        inputId={id}
        className={`select-${id}`}
        options={options}
        value={chosen}
        onChange={(option) => onChange(option?.value ?? '')}
        isInvalid={Boolean(error)}
        placeholder={placeholder}
        aria-describedby={describedBy(id, { error })}
        noOptionsMessage={() => placeholder}
      />
    </Field>
  );
}

export function DestinationSection({ values, setDestination, errors, workspaces, schemas }) {
  const hint = 'In the schema: Import → Create import → Microsoft Entra ID & Intune. Assets fills this in when it starts an import.';
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
        onChange={(workspaceId) => setDestination({ workspaceId, schemaId: '' })}
        error={errors.workspaceId ?? workspaces.message}
        placeholder={workspaces.list ? 'Choose a workspace' : 'Loading…'}
      />
      <Picker
        id="schemaId"
        label="Object schema"
        options={(schemas.list ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.key})` }))}
        value={values.destination.schemaId}
        onChange={(schemaId) => setDestination({ schemaId })}
        error={errors.schemaId ?? schemas.message}
        placeholder={values.destination.workspaceId ? (schemas.list?.length === 0 ? 'No schemas: create one in Assets' : 'Choose a schema') : 'Choose a workspace first'}
      />
      <Field id="importSourceId" label="Import source ID" hint={hint} error={errors.importSourceId}>
        <Textfield
          id="importSourceId"
          value={values.destination.importSourceId}
          onChange={(event) => setDestination({ importSourceId: event.target.value })}
          isInvalid={Boolean(errors.importSourceId)}
          aria-describedby={describedBy('importSourceId', { hint, error: errors.importSourceId })}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
    </section>
  );
}
