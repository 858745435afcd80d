# Build and run PhoneCrm in a container (used by docker-compose.yml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/PhoneCrm.Web -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# DejaVu fonts: the PDF proof of consent embeds them so Cyrillic renders; curl: the compose health checks.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core postgresql-client curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "PhoneCrm.Web.dll"]
