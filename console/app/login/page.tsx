import { LoginForm } from '@/ui/LoginForm';

export default function Login() {
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-3 text-lg font-semibold">Sign in</h1>
      <p className="mb-3 text-sm text-slate-600">
        This console is reachable beyond this machine, so it asks for a token: the operator token
        (CONSOLE_OPERATOR_TOKEN) drives the demo, the viewer token (CONSOLE_VIEWER_TOKEN) follows it read-only.
      </p>
      <LoginForm />
    </main>
  );
}
