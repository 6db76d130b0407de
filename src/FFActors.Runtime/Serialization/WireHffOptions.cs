using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of a Hyperspherical FF layer's options.</summary>
[MessagePackObject]
public sealed record WireHffOptions(
    [property: Key(0)] int Classes,
    [property: Key(1)] double Scale);
