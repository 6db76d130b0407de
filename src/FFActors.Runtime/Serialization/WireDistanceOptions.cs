using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of a Distance-Forward layer's options.</summary>
[MessagePackObject]
public sealed record WireDistanceOptions(
    [property: Key(0)] int Classes,
    [property: Key(1)] double Margin,
    [property: Key(2)] double Scale);
