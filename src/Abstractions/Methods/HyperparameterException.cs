namespace AlpacaFarm.Abstractions.Methods;

/// <summary>An override the method's table does not allow: the message is one line naming the method, the key and what is allowed.</summary>
public sealed class HyperparameterException(string message) : ArgumentException(message);
