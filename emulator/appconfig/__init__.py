"""AWS AppConfig control plane: moto's backend extended with environments, deployment
strategies, deployments, validators and the model's input limits."""
