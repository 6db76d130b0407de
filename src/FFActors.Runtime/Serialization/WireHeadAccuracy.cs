using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of HeadAccuracy.</summary>
[MessagePackObject]
public sealed record WireHeadAccuracy(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] double Accuracy);
