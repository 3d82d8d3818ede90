"""The API's request and response models (Pydantic): their JSON Schema is the OpenAPI
document's, and they validate what comes in and what goes out."""
