namespace FFActors.TestSupport;

/// <summary>
/// Temporary folders under one root per test process (/tmp/ffactors-tests/&lt;id&gt;), removed when the process exits.
/// The test host is often killed rather than exiting, so the first use also sweeps roots older than an hour.
/// </summary>
public sealed class TempFolder : IDisposable
{
    static readonly Lazy<string> processRoot = new(() =>
    {
        var parent = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ffactors-tests");
        if (Directory.Exists(parent))
            foreach (var old in Directory.GetDirectories(parent))
                if (Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddHours(-1)) TryDelete(old);
        var root = System.IO.Path.Combine(parent, Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    /// <summary>A fresh empty folder, deleted with the others when the test process exits.</summary>
    public static string New()
    {
        var dir = System.IO.Path.Combine(processRoot.Value, Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A fresh folder deleted when this object is disposed (at the end of a test class or a using block).</summary>
    public TempFolder() => Path = New();

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => TryDelete(Path);

    static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
