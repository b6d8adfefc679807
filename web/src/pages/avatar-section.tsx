import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import type { User } from '../api/auth.api.js';
import { queryKeys } from '../api/queries.js';
import { removeAvatar, uploadAvatar } from '../api/users.api.js';
import { FormError, Notice } from '../forms/form-alert.js';
import { PICTURE_ACCEPT, pictureProblem as problemWith } from '../lib/pictures.js';

/** The default picture is drawn by the server from the initials; anything else was uploaded. */
const isUploaded = (user: User) => !user.avatarUrl.includes('/api/avatars/initials/');

export function AvatarSection({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const inputId = useId();
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<string>();
  const [progress, setProgress] = useState(0);
  const [localProblem, setLocalProblem] = useState<string>();
  // A new key empties the file input once its file is saved.
  const [inputKey, setInputKey] = useState(0);

  // The preview is a blob: URL of the chosen file; released when another is chosen or the page closes.
  useEffect(() => {
    if (!file) return undefined;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const onSaved = (saved: User) => {
    queryClient.setQueryData(queryKeys.me, saved);
    setFile(undefined);
    setPreview(undefined);
    setInputKey((key) => key + 1);
  };
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadAvatar(chosen, { onProgress: setProgress }),
    onMutate: () => setProgress(0),
    onSuccess: onSaved,
  });
  const remove = useMutation({ mutationFn: removeAvatar, onSuccess: onSaved });

  const choose = (chosen: File | undefined) => {
    upload.reset();
    remove.reset();
    setLocalProblem(chosen ? problemWith(chosen) : undefined);
    setFile(chosen && !problemWith(chosen) ? chosen : undefined);
    if (!chosen || problemWith(chosen)) setPreview(undefined);
  };

  return (
    <section className="card" aria-labelledby="avatar-heading">
      <h2 id="avatar-heading">Picture</h2>
      <div className="avatar-row">
        <img
          className="avatar-large"
          src={preview ?? user.avatarUrl}
          alt={preview ? 'Preview of the new picture' : 'Your current picture'}
          width={96}
          height={96}
        />
        <div className="stack">
          <label htmlFor={inputId}>Choose a picture (JPEG or PNG, up to 5 MB)</label>
          <input
            key={inputKey}
            id={inputId}
            type="file"
            accept={PICTURE_ACCEPT}
            onChange={(event) => choose(event.target.files?.[0])}
            disabled={upload.isPending}
          />
          {upload.isPending ? (
            <div className="progress">
              <progress max={1} value={progress} aria-label="Upload progress" />
              <span>{Math.round(progress * 100)}%</span>
            </div>
          ) : null}
          <div className="actions">
            {file ? (
              <button
                type="button"
                className="button primary"
                onClick={() => upload.mutate(file)}
                disabled={upload.isPending}
              >
                {upload.isPending ? 'Uploading…' : 'Upload picture'}
              </button>
            ) : null}
            {!file && isUploaded(user) ? (
              <button type="button" className="button" onClick={() => remove.mutate()} disabled={remove.isPending}>
                {remove.isPending ? 'Removing…' : 'Remove picture'}
              </button>
            ) : null}
          </div>
        </div>
      </div>
      {localProblem ? (
        <div className="alert error" role="alert">
          {localProblem}
        </div>
      ) : null}
      <FormError error={upload.error ?? remove.error} />
      {upload.isSuccess ? <Notice tone="success">Your new picture is saved.</Notice> : null}
      {remove.isSuccess ? <Notice tone="success">Picture removed.</Notice> : null}
    </section>
  );
}
