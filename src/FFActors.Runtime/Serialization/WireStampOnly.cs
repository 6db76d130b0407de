using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of The messages that carry nothing but a stamp: ReleaseLayer, StopTraining, FitHead.</summary>
[MessagePackObject]
public sealed record WireStampOnly(
    [property: Key(0)] WireStamp Stamp);
