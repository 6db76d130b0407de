using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FFActors.Runtime.Checkpoints;

/// <summary>
/// The size and SHA-256 of every file of one checkpoint, written into its folder after all of them: a checkpoint
/// with a manifest is complete, and one whose files do not match it was changed or damaged after it was written
/// (a flipped bit in a weight resumes "successfully" to a different result, so sizes alone are not enough).
/// </summary>
public sealed record CheckpointManifest(IReadOnlyList<CheckpointManifest.Entry> Files)
{
    public const string FileName = "manifest.sha256";
    const string Header = "# ffactors checkpoint manifest v1: sha256 size name";

    public sealed record Entry(string Name, long Size, string Sha256);

    /// <summary>The manifest of the files now in <paramref name="dir"/> (not the manifest itself or temporary files).</summary>
    public static CheckpointManifest Of(string dir) => new(Directory.GetFiles(dir)
        .Select(Path.GetFileName).OfType<string>()
        .Where(n => n != FileName && !n.EndsWith(".tmp", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(n => new Entry(n, new FileInfo(Path.Combine(dir, n)).Length, Hash(Path.Combine(dir, n))))
        .ToArray());

    public string Render()
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var f in Files) sb.Append(CultureInfo.InvariantCulture, $"{f.Sha256}  {f.Size}  {f.Name}\n");
        return sb.ToString();
    }

    /// <exception cref="InvalidDataException">The manifest file itself is malformed (message names it).</exception>
    public static CheckpointManifest Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header) throw new InvalidDataException($"{Path.GetFileName(path)}: not a checkpoint manifest");
        var files = new List<Entry>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var parts = line.Split("  ", 3);
            if (parts.Length != 3 || parts[0].Length != 64 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size))
                throw new InvalidDataException($"{Path.GetFileName(path)}: malformed line '{line}'");
            files.Add(new Entry(parts[2], size, parts[0]));
        }
        return new CheckpointManifest(files);
    }

    /// <summary>Why the files in <paramref name="dir"/> do not match this manifest, or null when every one does.</summary>
    public string? Problem(string dir)
    {
        foreach (var f in Files)
        {
            var path = Path.Combine(dir, f.Name);
            if (!File.Exists(path)) return $"{f.Name} is missing";
            long size = new FileInfo(path).Length;
            if (size != f.Size) return $"{f.Name} has {size} bytes, the manifest says {f.Size} ({(size < f.Size ? "truncated" : "grown")})";
            if (!string.Equals(Hash(path), f.Sha256, StringComparison.OrdinalIgnoreCase))
                return $"{f.Name} does not match its SHA-256 in the manifest (changed or damaged after it was written)";
        }
        return null;
    }

    public bool Lists(string name) => Files.Any(f => f.Name == name);

    static string Hash(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
