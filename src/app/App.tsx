export function App() {
  return (
    <main className="app">
      <h1>Video-R2 Web</h1>
    </main>
  );
}
