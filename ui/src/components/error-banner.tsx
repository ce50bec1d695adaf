/** An API or network error, said plainly where the user is looking. */
export function ErrorBanner({ error }: { error: Error | string | undefined }) {
  if (error === undefined) return null;
  return (
    <p className="error-banner" role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}
