using Akka.Event;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>
/// The run log as an Akka logging adapter: every line goes to Akka's event stream (under the run
/// supervisor's log source) and into the run's list, which the caller gets back in
/// <see cref="PipelineResult.Log"/> and the CLI appends to <c>run.log</c>. Shared by the coordinator's actors,
/// so the list is locked.
/// </summary>
internal sealed class RunLog(List<string> lines, ILoggingAdapter akka) : LoggingAdapterBase(DefaultLogMessageFormatter.Instance)
{
    public override bool IsDebugEnabled => false;
    public override bool IsInfoEnabled => true;
    public override bool IsWarningEnabled => true;
    public override bool IsErrorEnabled => true;

    protected override void NotifyLog(LogLevel logLevel, object message, Exception cause)
    {
        string text = message.ToString() ?? "";
        lock (lines) lines.Add($"{DateTime.Now:HH:mm:ss} {text}");
        akka.Log(logLevel, cause, "{0}", text);
    }

    /// <summary>One line, taken as it is (never as a format template: fault messages may hold braces).</summary>
    public void Info(string line) => ((ILoggingAdapter)this).Log(LogLevel.InfoLevel, null, "{0}", line);
}
