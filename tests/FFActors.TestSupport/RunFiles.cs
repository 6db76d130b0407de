namespace FFActors.TestSupport;

/// <summary>What a finished run folder holds, read the way the tests compare runs.</summary>
public static class RunFiles
{
    /// <summary>The bytes of every weights/layerN.pt of <paramref name="run"/>, layer 0 first; a folder without any is an error, never an empty match.</summary>
    public static byte[][] Weights(string run)
    {
        var files = Directory.GetFiles(Path.Combine(run, "weights"), "layer*.pt").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new InvalidOperationException($"{Path.Combine(run, "weights")} holds no layer*.pt");
        return [.. files.Select(File.ReadAllBytes)];
    }
}
