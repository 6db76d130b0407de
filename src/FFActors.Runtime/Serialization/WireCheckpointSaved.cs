using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of CheckpointSaved.</summary>
[MessagePackObject]
public sealed record WireCheckpointSaved(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] string CheckpointId,
    [property: Key(3)] byte[] Data);
