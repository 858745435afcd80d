using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc.Filters;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Web.Hosting.Api;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// The one control-character rule (<see cref="ControlCharacters"/>) applied to everything an action receives, before
/// the action runs: every string bound from the body, query, route or form — nested objects, lists and free JSON
/// (<c>attributes</c>, event <c>data</c>) included — is checked, and a refused one answers 400 problem+json naming the
/// field by its JSON path (<c>purpose</c>, <c>evidence.userAgent</c>, <c>tags[2]</c>). Services never see such text,
/// so PostgreSQL never refuses a NUL with a 500. Runs before the automatic model-state 400 (order −2000).
/// </summary>
public sealed class ControlCharacterFilter : IActionFilter, IOrderedFilter
{
    private const int MaxDepth = 32;

    public int Order => -3000;

    public void OnActionExecuting(ActionExecutingContext context)
    {
        var errors = new ValidationErrors();
        foreach (var parameter in context.ActionDescriptor.Parameters)
        {
            if (!context.ActionArguments.TryGetValue(parameter.Name, out var value)) continue;
            var fromBody = parameter.BindingInfo?.BindingSource == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body;
            Walk(value, fromBody ? "" : parameter.BindingInfo?.BinderModelName ?? parameter.Name, errors, 0);
        }

        if (!errors.IsValid) context.Result = Problems.Validation(context.HttpContext, errors);
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    private static void Walk(object? value, string path, ValidationErrors errors, int depth)
    {
        if (value is null || depth > MaxDepth) return;
        switch (value)
        {
            case string s:
                if (ControlCharacters.AreIn(s)) Refuse(path, errors);
                return;
            case byte[]:
                return;
            case JsonElement element:
                WalkElement(element, path, errors, depth);
                return;
            case JsonValue node:
                if (node.TryGetValue<string>(out var text)) Walk(text, path, errors, depth);
                else if (node.TryGetValue<JsonElement>(out var inner)) WalkElement(inner, path, errors, depth);
                return;
            case JsonObject obj:
                foreach (var (key, child) in obj) WalkMember(key, child, path, errors, depth);
                return;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{path}[{i}]", errors, depth + 1);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary) WalkMember(entry.Key.ToString() ?? "", entry.Value, path, errors, depth);
                return;
            case IEnumerable sequence:
                var index = 0;
                foreach (var item in sequence) Walk(item, $"{path}[{index++}]", errors, depth + 1);
                return;
        }

        var type = value.GetType();
        if (type.Namespace?.StartsWith("PhoneCrm", StringComparison.Ordinal) != true || type.IsEnum) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null) continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            Walk(property.GetValue(value), Join(path, name), errors, depth + 1);
        }
    }

    private static void WalkElement(JsonElement element, string path, ValidationErrors errors, int depth)
    {
        if (depth > MaxDepth) return;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Walk(element.GetString(), path, errors, depth);
                return;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject()) WalkMember(member.Name, member.Value, path, errors, depth);
                return;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) WalkElement(item, $"{path}[{index++}]", errors, depth + 1);
                return;
        }
    }

    private static void WalkMember(string key, object? value, string path, ValidationErrors errors, int depth)
    {
        if (ControlCharacters.AreIn(key))
        {
            Refuse(path.Length == 0 ? "body" : path, errors);
            return;
        }

        Walk(value, Join(path, key), errors, depth + 1);
    }

    private static void Refuse(string path, ValidationErrors errors)
    {
        var field = path.Length == 0 ? "body" : path;
        if (!errors.Has(field)) errors.Add(field, ControlCharacters.Message);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
