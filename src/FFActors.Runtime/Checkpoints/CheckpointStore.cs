namespace FFActors.Runtime.Checkpoints;

/// <summary>
/// Where checkpoints live. A checkpoint is a set of named blobs under an id (one per layer plus the
/// coordinator's); it becomes the one to resume from only when <see cref="Commit"/> names it, after
/// all its blobs are written. Thread-safe: layer actors write their blobs concurrently.
/// </summary>
public abstract class CheckpointStore
{
    public abstract void Write(string id, string name, byte[] data);

    public abstract byte[] Read(string id, string name);

    /// <summary>Atomically makes <paramref name="id"/> the latest complete checkpoint, then drops older ones but the previous.</summary>
    public abstract void Commit(string id);

    /// <summary>Id of the latest complete checkpoint, or null.</summary>
    public abstract string? Latest();

    public abstract string Describe(string id);

    /// <summary>
    /// The checkpoint to resume from and its <see cref="RunSnapshot"/>, or null (with a log line) when there is none;
    /// throws, in one line, when it was written by a configuration with another <paramref name="fingerprint"/>, or
    /// when checkpoints exist but none of them is intact.
    /// </summary>
    public virtual (string Id, RunSnapshot Snapshot)? LatestSnapshot(string fingerprint, List<string> log)
    {
        var id = Latest();
        if (id is null)
        {
            log.Add("resume: no checkpoint found; starting from the beginning");
            return null;
        }
        var snap = Snapshot(id, Read(id, RunSnapshot.FileName));
        CheckFingerprint(id, snap, fingerprint);
        return (id, snap);
    }

    /// <summary>Decodes a checkpoint's <see cref="RunSnapshot.FileName"/>; a damaged one is an error naming the file.</summary>
    protected RunSnapshot Snapshot(string id, byte[] bytes)
    {
        try
        {
            return RunSnapshot.FromBytes(bytes);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{Describe(id)}/{RunSnapshot.FileName}: truncated or unreadable ({e.Message})", e);
        }
    }

    protected void CheckFingerprint(string id, RunSnapshot snap, string fingerprint)
    {
        if (snap.Fingerprint != fingerprint)
            throw new ArgumentException($"resume: checkpoint {Describe(id)} was written by a different configuration (checkpoint: {snap.Fingerprint}; now: {fingerprint})");
    }
}
