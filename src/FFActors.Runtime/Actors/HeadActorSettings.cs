using FFActors.Core.Data;
using FFActors.Core.Evaluation;

namespace FFActors.Runtime.Actors;

/// <summary>What the head actor is built from: the labels of both splits and the evaluation settings.</summary>
internal sealed record HeadActorSettings(Dataset Train, Dataset Test, EvalOptions Options, int Classes, long Seed, int Threads);
