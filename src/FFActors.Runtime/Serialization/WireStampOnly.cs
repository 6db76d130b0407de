using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of the messages that carry nothing but a stamp: ReleaseLayer, StopTraining, FitHead, ReadWeights.</summary>
[MessagePackObject]
public sealed record WireStampOnly(
    [property: Key(0)] WireStamp Stamp);
