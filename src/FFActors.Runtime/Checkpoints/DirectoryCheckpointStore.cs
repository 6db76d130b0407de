using System.Buffers.Binary;
using System.Text.RegularExpressions;
using FFActors.Runtime.Actors;

namespace FFActors.Runtime.Checkpoints;

/// <summary>
/// Checkpoints in a folder: <c>ID/NAME</c> files, a <see cref="CheckpointManifest"/> per checkpoint written after its
/// files, and a <c>latest</c> file naming the last committed one. Every file is written to a unique temporary name,
/// flushed to disk and renamed over the target, so a crash leaves either the old or the new version, never a torn one.
/// Resuming verifies checkpoints newest first and falls back to the newest intact one; a damaged one is moved aside
/// (<c>ID.damaged</c>) so that it is reported once and never chosen again.
/// </summary>
public sealed partial class DirectoryCheckpointStore : CheckpointStore
{
    public string Root { get; }
    const string LatestFile = "latest";
    const int LayerMagic = 0x434C4646; // LayerCheckpoint's "FFLC"
    readonly int keep;
    readonly HashSet<string> rewriting = [];

    /// <param name="keep">Checkpoints kept: the one just committed and the newest <paramref name="keep"/> − 1 before it.</param>
    public DirectoryCheckpointStore(string root, int keep = 2)
    {
        if (keep < 1) throw new ArgumentException($"runtime.checkpoint-keep: {keep} must be at least 1");
        Root = root;
        this.keep = keep;
        Directory.CreateDirectory(root);
    }

    [GeneratedRegex(@"^e\d{4,}-b\d{6,}$")]
    private static partial Regex IdPattern();

    public override void Write(string id, string name, byte[] data)
    {
        var dir = Path.Combine(Root, id);
        Directory.CreateDirectory(dir);
        // A checkpoint written again (after a fallback to an older one) is incomplete until its new manifest exists.
        lock (rewriting)
            if (rewriting.Add(id)) File.Delete(Path.Combine(dir, CheckpointManifest.FileName));
        WriteAtomically(Path.Combine(dir, name), data);
    }

    public override byte[] Read(string id, string name)
    {
        var path = Path.Combine(Root, id, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint file missing", path);
        return File.ReadAllBytes(path);
    }

    public override void Commit(string id)
    {
        var dir = Path.Combine(Root, id);
        WriteAtomically(Path.Combine(dir, CheckpointManifest.FileName), System.Text.Encoding.UTF8.GetBytes(CheckpointManifest.Of(dir).Render()));
        lock (rewriting) rewriting.Remove(id);
        WriteAtomically(Path.Combine(Root, LatestFile), System.Text.Encoding.UTF8.GetBytes(id + "\n"));
        // Ids sort by epoch and batch; ones after the committed id are left over from before a fallback.
        var older = Ids().Where(i => string.CompareOrdinal(i, id) < 0).Take(keep - 1).ToHashSet();
        foreach (var other in Ids())
        {
            if (other == id || older.Contains(other)) continue;
            try { Directory.Delete(Path.Combine(Root, other), recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public override string? Latest()
    {
        var path = Path.Combine(Root, LatestFile);
        if (!File.Exists(path)) return null;
        var id = File.ReadAllText(path).Trim();
        return id.Length == 0 ? null : id;
    }

    public override string Describe(string id) => Path.Combine(Root, id);

    /// <summary>Checkpoint folders, newest first.</summary>
    IEnumerable<string> Ids() => Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>()
        .Where(n => IdPattern().IsMatch(n)).OrderDescending(StringComparer.Ordinal);

    public override (string Id, RunSnapshot Snapshot)? LatestSnapshot(string fingerprint, List<string> log)
    {
        var pointer = Latest();
        var ids = Ids().ToList();
        if (pointer is not null && !ids.Contains(pointer))
        {
            log.Add($"resume: {Path.Combine(Root, LatestFile)} names {pointer}, which does not exist; looking for the newest intact checkpoint");
            pointer = null;
        }
        if (ids.Count == 0)
        {
            log.Add("resume: no checkpoint found; starting from the beginning");
            return null;
        }
        if (pointer is null && File.Exists(Path.Combine(Root, LatestFile)) is false)
            log.Add($"resume: {Path.Combine(Root, LatestFile)} is missing; looking for the newest intact checkpoint");
        // Checkpoints written before manifests existed have none; they are trusted (unverified) only when no checkpoint of
        // the run has a manifest. Otherwise a checkpoint without one, the committed one included, was interrupted or altered.
        bool legacyRun = ids.All(i => !File.Exists(Path.Combine(Root, i, CheckpointManifest.FileName)));
        var skipped = new List<string>();
        foreach (var id in ids)
        {
            var dir = Path.Combine(Root, id);
            bool hasManifest = File.Exists(Path.Combine(dir, CheckpointManifest.FileName));
            bool legacy = !hasManifest && legacyRun;
            string? problem = !hasManifest && !legacy ? "incomplete (no manifest: its writing was interrupted, or the manifest was deleted)" : null;
            RunSnapshot? snap = null;
            if (problem is null)
            {
                try
                {
                    var manifest = hasManifest ? CheckpointManifest.Read(Path.Combine(dir, CheckpointManifest.FileName)) : null;
                    problem = manifest?.Problem(dir);
                    if (problem is null)
                    {
                        if (!File.Exists(Path.Combine(dir, RunSnapshot.FileName))) throw new InvalidDataException($"{RunSnapshot.FileName} is missing");
                        snap = Snapshot(id, File.ReadAllBytes(Path.Combine(dir, RunSnapshot.FileName)));
                        problem = LayerProblem(dir, snap.Sums.Layers, manifest);
                    }
                }
                catch (InvalidDataException e)
                {
                    problem = e.Message.Replace(dir + "/", "", StringComparison.Ordinal);
                }
            }
            if (problem is not null)
            {
                string where = legacy ? "" : $"; moved to {MoveAside(id)}";
                skipped.Add($"{id}: {problem}");
                log.Add($"resume: skipped checkpoint {dir}: {problem}{where}");
                continue;
            }
            CheckFingerprint(id, snap!, fingerprint);
            if (legacy)
                log.Add($"resume: checkpoint {dir} has no manifest (written before checkpoints carried checksums): resuming from it unverified");
            if (skipped.Count > 0) log.Add($"resume: falling back to checkpoint {dir}");
            else if (pointer != id) log.Add($"resume: using the newest intact checkpoint {dir}");
            return (id, snap!);
        }
        throw new InvalidDataException($"resume: no intact checkpoint in {Root} ({string.Join("; ", skipped)})");
    }

    /// <summary>Why a layer file of the checkpoint in <paramref name="dir"/> cannot be restored, or null.</summary>
    static string? LayerProblem(string dir, int layers, CheckpointManifest? manifest)
    {
        for (int l = 0; l < layers; l++)
        {
            string name = LayerActor.FileName(l);
            var path = Path.Combine(dir, name);
            if (!File.Exists(path)) return $"{name} is missing";
            if (manifest is not null && !manifest.Lists(name)) return $"{name} is not in the manifest";
            var head = new byte[4];
            using var f = File.OpenRead(path);
            if (f.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || BinaryPrimitives.ReadInt32LittleEndian(head) != LayerMagic)
                return $"{name} is not a layer checkpoint ({f.Length} bytes)";
        }
        return null;
    }

    string MoveAside(string id)
    {
        var from = Path.Combine(Root, id);
        var to = from + ".damaged";
        for (int n = 2; Directory.Exists(to) || File.Exists(to); n++) to = $"{from}.damaged-{n}";
        try
        {
            Directory.Move(from, to);
            return to;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"nowhere ({e.Message})";
        }
    }

    static void WriteAtomically(string path, byte[] data)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            f.Write(data);
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
