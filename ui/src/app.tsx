import { IdentityForm } from './components/identity-form.js';
import { ApprovalsPage } from './pages/approvals-page.js';
import { DeploymentPage } from './pages/deployment-page.js';
import { EnvironmentPage } from './pages/environment-page.js';
import { ProjectPage } from './pages/project-page.js';
import { ProjectsPage } from './pages/projects-page.js';
import { RunPage } from './pages/run-page.js';
import { paths } from './paths.js';
import { Link, parseRoute, usePathname } from './router.js';

export function App() {
  const route = parseRoute(usePathname());
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href={paths.projects()} className="brand">
          Slipway
        </Link>
        <nav aria-label="Main">
          <Link href={paths.projects()} aria-current={route.page === 'projects' ? 'page' : undefined}>
            Projects
          </Link>
          <Link href={paths.approvals()} aria-current={route.page === 'approvals' ? 'page' : undefined}>
            Approvals
          </Link>
        </nav>
        <IdentityForm />
      </header>
      <main id="main">{renderPage(route)}</main>
    </>
  );
}

function renderPage(route: ReturnType<typeof parseRoute>) {
  switch (route.page) {
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage key={route.project} project={route.project} />;
    case 'environment':
      return <EnvironmentPage key={`${route.project}/${route.environment}`} project={route.project} environment={route.environment} />;
    case 'run':
      return <RunPage key={route.runId} runId={route.runId} {...(route.jobId === undefined ? {} : { jobId: route.jobId })} />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'deployment':
      return <DeploymentPage key={route.deploymentId} deploymentId={route.deploymentId} />;
    case 'not-found':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. <Link href={paths.projects()}>See the projects.</Link>
          </p>
        </section>
      );
  }
}
