// The hubdial console: one page, views chosen by the URL path.
import { render } from 'preact';
import { AgentEditView, AgentsView } from './agents';
import { CallView, CallsView } from './calls';
import { location } from './router';
import { ApiKeysView, DoNotCallView, HubSpotView } from './settings';
import { StatsView } from './stats';
import { Link } from './ui';

const NAV = [
  ['/calls', 'Calls'],
  ['/agents', 'Agents'],
  ['/hubspot', 'HubSpot'],
  ['/api-keys', 'API keys'],
  ['/do-not-call', 'Do not call'],
  ['/outcomes', 'Outcomes'],
] as const;

function View() {
  const [path, search = ''] = location.value.split('?');
  const parts = (path ?? '/').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case undefined:
    case 'calls':
      return parts[1] ? <CallView id={parts[1]} /> : <CallsView search={search} />;
    case 'agents':
      return parts[1] === 'new' ? <AgentEditView /> : parts[1] ? <AgentEditView id={parts[1]} /> : <AgentsView />;
    case 'hubspot':
      return <HubSpotView />;
    case 'api-keys':
      return <ApiKeysView />;
    case 'do-not-call':
      return <DoNotCallView />;
    case 'outcomes':
      return <StatsView />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no console page at {path}. <Link href="/calls">Go to the calls</Link>.
          </p>
        </section>
      );
  }
}

function App() {
  const current = `/${location.value.split('?')[0]?.split('/')[1] || 'calls'}`;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">hubdial</span>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <Link href={href} class={current === href ? 'active' : ''}>
              {label}
            </Link>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <View key={location.value.split('?')[0]} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
