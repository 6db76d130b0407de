using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Runtime;

/// <summary>A layer kept failing after being restored from its checkpoint.</summary>
public sealed class PipelineFaultException(string message, IReadOnlyList<string> log) : Exception(message)
{
    public IReadOnlyList<string> RunLog { get; } = log.ToArray();
}
