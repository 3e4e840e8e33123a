// Data sets: a switch each, with the permission it needs and an optional Graph $filter that the
// core checks; the properties a filter may name are folded away until asked for.
import Heading from '@atlaskit/heading';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { describedBy, Field } from './Field.jsx';

function Dataset({ option, on, filter, error, setOn, setFilter }) {
  const { key, label, permission, filterable = [] } = option;
  const id = `filter-${key}`;
  const properties = filterable.filter((p) => p !== 'members');
  const example = properties.includes('accountEnabled') ? 'accountEnabled eq true' : `${properties[0] ?? 'id'} eq '…'`;
  return (
    <div className="dataset">
      <div className="switch">
        <Toggle id={`dataset-${key}`} isChecked={on} onChange={(event) => setOn(event.target.checked)} />
        <label className="switch-label" htmlFor={`dataset-${key}`}>{label.charAt(0).toUpperCase() + label.slice(1)}</label>
        <span className="subtle">{`needs ${permission}`}</span>
      </div>
      {on ? (
        <>
          <Field id={id} label={`Only ${label} matching (optional)`} error={error}>
            <Textfield id={id} value={filter} onChange={(event) => setFilter(event.target.value)} isInvalid={Boolean(error)} aria-describedby={describedBy(id, { error })} placeholder={example} autoComplete="off" spellCheck={false} />
          </Field>
          {properties.length ? (
            <details className="disclosure">
              <summary>Filterable properties</summary>
              <p>{`Graph $filter with eq, ne, startswith, and, or, not on: ${properties.join(', ')}.`}</p>
              <p>
                Example: <code>{example}</code>
              </p>
            </details>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

export function DatasetsSection({ options, values, setDatasets, errors }) {
  return (
    <section aria-labelledby="datasets-title" className="card">
      <Heading as="h2" size="medium" id="datasets-title">
        Data sets
      </Heading>
      <div role="group" id="datasets" aria-labelledby="datasets-title" aria-describedby={errors.datasets ? 'datasets-error' : undefined}>
        {options.map((option) => (
          <Dataset
            key={option.key}
            option={option}
            on={Boolean(values.datasets[option.key])}
            filter={values.filters[option.key] ?? ''}
            error={errors[`filter-${option.key}`]}
            setOn={(on) => setDatasets({ datasets: { ...values.datasets, [option.key]: on } })}
            setFilter={(text) => setDatasets({ filters: { ...values.filters, [option.key]: text } })}
          />
        ))}
      </div>
      {errors.datasets ? (
        <p className="error-text" id="datasets-error">
          {errors.datasets}
        </p>
      ) : null}
    </section>
  );
}
