namespace FFActors.Core.Data;

/// <summary>A malformed or inconsistent IDX file. The message is one line and names the file.</summary>
public sealed class IdxFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
