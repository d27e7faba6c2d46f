import Link from 'next/link';
import styles from './back-link.module.css';
import { ArrowLeftIcon } from './icons';

/** The way back to the containers list, above a page reached from it. */
export function BackLink() {
  return (
    <Link href="/" className={styles.back}>
      <ArrowLeftIcon size={14} />
      Containers
    </Link>
  );
}
