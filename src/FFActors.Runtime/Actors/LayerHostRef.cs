using Akka.Actor;

namespace FFActors.Runtime.Actors;

/// <summary>A layer host the coordinator may place layers on.</summary>
public sealed record LayerHostRef(IActorRef Host, string NodeName);
