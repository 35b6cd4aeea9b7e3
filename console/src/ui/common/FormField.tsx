/** The cockpit's one text input with its label and, when the server or the contract refused it, why. */
export function FormField({
  label,
  name,
  value,
  onChange,
  placeholder,
  error,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  error?: string | undefined;
}) {
  return (
    <label className="text-xs text-slate-600">
      {label}
      <input
        className={INPUT_CLASS}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        name={name}
        {...(placeholder ? { placeholder } : {})}
      />
      {error && <span className="text-red-700">{error}</span>}
    </label>
  );
}

export const INPUT_CLASS = 'w-full rounded border border-slate-300 px-2 py-1 text-sm';
