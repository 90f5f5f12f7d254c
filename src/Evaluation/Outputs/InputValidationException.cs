namespace AlpacaFarm.Evaluation.Outputs;

/// <summary>A file the user gave cannot be used: the message is one line naming the file and the first offending rows.</summary>
public sealed class InputValidationException(string message) : Exception(message);
