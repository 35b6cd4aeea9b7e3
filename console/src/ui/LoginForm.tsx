'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function LoginForm() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const router = useRouter();
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    void fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    }).then((response) => {
      if (response.ok) router.push('/');
      else if (response.status === 429) setError('Too many wrong tokens: wait a minute and try again.');
      else setError('That token is neither the operator nor the viewer token.');
    });
  };
  return (
    <form onSubmit={submit} className="grid gap-2">
      <input
        type="password"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        className="rounded border border-slate-300 px-2 py-1"
        aria-label="Operator token"
        autoFocus
      />
      <button type="submit" className="rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white">
        Sign in
      </button>
      {error && <p className="text-sm text-red-700">{error}</p>}
    </form>
  );
}
