// One labelled control with its hint and its error, wired by id so a screen reader reads both.
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';

export const describedBy = (id, { hint, error }) => [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

export function Field({ id, label, hint, error, children }) {
  return (
    <div className="field">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint ? (
        <div id={`${id}-hint`}>
          <HelperMessage>{hint}</HelperMessage>
        </div>
      ) : null}
      {error ? (
        <div id={`${id}-error`}>
          <ErrorMessage>{error}</ErrorMessage>
        </div>
      ) : null}
    </div>
  );
}
