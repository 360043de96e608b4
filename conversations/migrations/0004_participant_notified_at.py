from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0003_pupil_threads'),
    ]

    operations = [
        migrations.AddField(
            model_name='participant',
            name='notified_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
