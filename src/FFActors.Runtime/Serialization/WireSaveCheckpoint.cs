using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of SaveCheckpoint.</summary>
[MessagePackObject]
public sealed record WireSaveCheckpoint(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] string CheckpointId);
