import { useState } from 'react';
import { InitialsAvatar } from './initials-avatar.js';

interface ContactPictureProps {
  contact: { firstName: string; lastName: string | null; photoUrl: string | null };
  size?: 'small' | 'medium' | 'large';
  /** Alt text; decorative (empty) where the name is written beside it. */
  alt?: string;
}

/** The contact's photo, or their initials when there is none (or it fails to load). */
export function ContactPicture({ contact, size = 'medium', alt = '' }: ContactPictureProps) {
  const [failed, setFailed] = useState<string>();
  const url = contact.photoUrl;
  if (!url || failed === url) return <InitialsAvatar firstName={contact.firstName} lastName={contact.lastName} size={size} />;
  return (
    <img
      className={`contact-photo ${size}`}
      src={url}
      alt={alt}
      loading="lazy"
      decoding="async"
      onError={() => setFailed(url)}
    />
  );
}
