using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of Stamp of every message.</summary>
[MessagePackObject]
public sealed record WireStamp(
    [property: Key(0)] string RunId,
    [property: Key(1)] int Generation,
    [property: Key(2)] int Epoch,
    [property: Key(3)] int Batch);
