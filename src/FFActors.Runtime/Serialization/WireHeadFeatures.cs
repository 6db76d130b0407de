using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of HeadFeatures.</summary>
[MessagePackObject]
public sealed record WireHeadFeatures(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] bool Test,
    [property: Key(2)] WireTensor Features);
