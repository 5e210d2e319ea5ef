// Tailwind 4 reads its theme from app/globals.css (@theme); this file keeps
// the content globs explicit for editors and for the webpack build.
const config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  darkMode: "media",
};
export default config;
