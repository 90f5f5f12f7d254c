namespace AlpacaFarm.Abstractions.Methods;

/// <summary>What values a hyperparameter takes.</summary>
public enum HyperparameterType
{
    Int,
    Float,
    Bool,
    Enum,
}
