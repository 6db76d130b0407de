namespace FFActors.Runtime.Cluster;

/// <summary>The cluster cannot run this training: too few layer hosts in time, duplicate node names, a host's frame too small.</summary>
public sealed class ClusterSetupException(string message) : Exception(message);
