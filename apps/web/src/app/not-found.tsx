import Link from 'next/link';
import styles from './not-found.module.css';

export default function NotFound() {
  return (
    <main className={styles.page}>
      <h1>Nothing here</h1>
      <p className="muted">This page does not exist in the dashboard.</p>
      <Link href="/" className="button button-primary">
        Go to containers
      </Link>
    </main>
  );
}
