namespace FFActors.Runtime.Checkpoints;

/// <summary>
/// Checkpoints in a folder: <c>ID/NAME</c> files and a <c>latest</c> file naming the last complete
/// checkpoint. Every file is written to a unique temporary name, flushed to disk and renamed over
/// the target, so a crash leaves either the old or the new version, never a torn one.
/// </summary>
public sealed class DirectoryCheckpointStore : CheckpointStore
{
    public string Root { get; }
    const string LatestFile = "latest";

    public DirectoryCheckpointStore(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
    }

    public override void Write(string id, string name, byte[] data)
    {
        var dir = Path.Combine(Root, id);
        Directory.CreateDirectory(dir);
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
        string? previous = Latest();
        WriteAtomically(Path.Combine(Root, LatestFile), System.Text.Encoding.UTF8.GetBytes(id + "\n"));
        foreach (var dir in Directory.GetDirectories(Root))
        {
            var name = Path.GetFileName(dir);
            if (name == id || name == previous) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
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
