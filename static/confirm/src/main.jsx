// The mass-deletion question, opened by the admin page as a Forge modal. It asks and answers with
// the choice (view.close({choice})); the admin page carries it out.
import './confirm.css';
import Button from '@atlaskit/button/new';
import ButtonGroup from '@atlaskit/button/button-group';
import Heading from '@atlaskit/heading';
import { view } from '@forge/bridge';
import { useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { enableTheme } from '../../admin/src/theme.js';

const VERBS = { retire: 'Retire', delete: 'Delete' };
const choose = (choice) => view.close({ choice });

// Per-type counts and up to 10 names each arrive as `guard` once the core sends them.
function Breakdown({ guard, number }) {
  if (!guard?.types?.length) return null;
  return (
    <ul className="types">
      {guard.types.map((t) => (
        <li key={t.type}>
          <strong>{`${number(t.count)} ${t.label ?? t.type}`}</strong>
          {t.samples?.length ? <span className="samples">{`: ${t.samples.join(', ')}${t.count > t.samples.length ? ', …' : ''}`}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Confirm({ modal, locale }) {
  const first = useRef(null);
  const number = (n) => new Intl.NumberFormat((locale || 'en-US').replace('_', '-')).format(n ?? 0);
  const count = modal.guard?.total ?? modal.retire;
  const verb = modal.guard?.verb ?? VERBS[modal.policy] ?? VERBS.retire;
  useEffect(() => first.current?.focus(), []);
  // Esc answers "not now"; Tab stays among the three answers.
  useEffect(() => {
    const onKey = (event) => {
      if (event.key === 'Escape') choose('dismiss');
      if (event.key !== 'Tab') return;
      const buttons = [...document.querySelectorAll('button')];
      const [head, tail] = [buttons[0], buttons[buttons.length - 1]];
      if (event.shiftKey && document.activeElement === head) {
        event.preventDefault();
        tail.focus();
      } else if (!event.shiftKey && document.activeElement === tail) {
        event.preventDefault();
        head.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <main aria-labelledby="confirm-title" aria-describedby="confirm-text">
      <Heading as="h1" size="medium" id="confirm-title">
        Remove many objects?
      </Heading>
      <p id="confirm-text">{`This sync would ${verb.toLowerCase()} ${number(count)} objects that are gone from Entra; for at least one object type that is more than the ${number(modal.threshold)} the deletion policy allows without asking. If users or devices were deleted on purpose, go on; if not, cancel the sync and check the tenant and the connection first.`}</p>
      <Breakdown guard={modal.guard} number={number} />
      <div className="actions">
        <ButtonGroup label="Answers">
          <Button id="confirm-cancel" ref={first} onClick={() => choose('dismiss')}>
            Not now
          </Button>
          <Button id="confirm-stop" onClick={() => choose('cancel')}>
            Cancel the sync
          </Button>
          <Button id="confirm-ok" appearance="danger" onClick={() => choose('confirm')}>
            {`${verb} ${number(count)} objects`}
          </Button>
        </ButtonGroup>
      </div>
    </main>
  );
}

enableTheme();
const context = await view.getContext();
createRoot(document.getElementById('root')).render(<Confirm modal={context.extension?.modal ?? {}} locale={context.locale} />);
