namespace FFActors.Runtime.Serialization;

/// <summary>A tensor's bytes left on the sending member's data plane: where to fetch them, under which id, and how many.</summary>
public sealed record WireBlob(string Host, int Port, ulong Id, long Length);
